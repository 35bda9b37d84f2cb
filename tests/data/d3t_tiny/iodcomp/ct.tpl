CompositeIOD="CTImage"	Condition="CTImageInstance"
	InformationEntity="Patient"
		Module="Patient"	Usage="M"
		Module="ClinicalTrialSubject"	Usage="U"	Condition="NeedModuleClinicalTrialSubject"
	InformationEntityEnd
	InformationEntity="Image"
		Module="GeneralImage"	Usage="M"
		Module="CTImage"	Usage="M"
	InformationEntityEnd
CompositeIODEnd

CompositeIOD="BasicTextSR"	Condition="BasicTextSRInstance"
	InformationEntity="Document"
		Module="Patient"	Usage="M"
		Module="SRDocumentContent"	Usage="M"
	InformationEntityEnd
CompositeIODEnd
