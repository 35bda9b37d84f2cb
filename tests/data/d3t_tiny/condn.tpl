Condition="CTImageInstance"
	Element="SOPClassUID"		StringConstantFromRootAttribute="CTImageStorageSOPClassUID"
ConditionEnd

Condition="NeedModuleClinicalTrialSubject"
	Element="ClinicalTrialSponsorName"	ElementPresent=""
ConditionEnd

Condition="RecordIsPatient"
	Element="PatientName"	ElementPresent=""
ConditionEnd

Condition="RecordIsStudy"
	Element="StudyDate"	ElementPresent=""
ConditionEnd
