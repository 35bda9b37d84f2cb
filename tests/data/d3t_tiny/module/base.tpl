DefineMacro="SOPInstanceReferenceMacro"
	Name="ReferencedSOPClassUID"	Type="1"
	Name="ReferencedSOPInstanceUID"	Type="1"
MacroEnd

DefineMacro="DocumentRelationshipMacro"
	Sequence="ContentSequence"	Type="1C"	VM="1-n"	NoCondition=""
		Name="RelationshipType"	Type="1"	StringDefinedTerms="SRRelationshipType"
		InvokeMacro="DocumentRelationshipMacro"	Type="1C"	Condition="RelationshipByValue"
	SequenceEnd
MacroEnd

DefineMacro="PatientRecordMacro"
	Name="PatientID"	Type="1"
	Name="OtherPatientIDs"	Type="1C"	Condition="HasOtherIdentifiers"
MacroEnd

DefineMacro="StudyRecordMacro"
	Name="PatientID"	Type="1"
	Name="StudyDate"	Type="1"
MacroEnd

Module="Patient"
	Name="PatientName"	Type="2"
	Name="PatientSex"	Type="2"	StringEnumValues="Sex"
	InvokeMacro="PatientRecordMacro"	Condition="RecordIsPatient"
	InvokeMacro="StudyRecordMacro"	Condition="RecordIsStudy"
ModuleEnd

Module="ClinicalTrialSubject"
	Name="ClinicalTrialSponsorName"	Type="1"
	Name="ClinicalTrialProtocolID"	Type="1C"	Condition="ProtocolNeeded"
	Name="UnknownKeyword"	Type="3"
ModuleEnd

Module="GeneralImage"
	Name="ImageType"	Type="3"	ValueSelector="0"	StringEnumValues="ImageType1"
	Verify="ImageType"	ValueSelector="1"	StringEnumValues="ImageType2"
	Sequence="ReferencedImageSequence"	Type="3"	VM="1-n"
		InvokeMacro="SOPInstanceReferenceMacro"
	SequenceEnd
	Name="SmallestImagePixelValue"	Type="3"
	Name="OverlayData"	Type="3"
ModuleEnd

Module="CTImage"
	Name="ImageType"	Type="1"	ValueSelector="2"	StringDefinedTerms="CTImageType3"
	Verify="ImageType"	Condition="IsLocalizer"	StringEnumValues="ImageType1"
	Name="SamplesPerPixel"	Type="1"	BinaryEnumValues="SamplesPerPixelIsOne"
	Name="KVP"	Type="2"
ModuleEnd

Module="SRDocumentContent"
	InvokeMacro="DocumentRelationshipMacro"
ModuleEnd
