# tiny condn.tpl covering the translator's constructs

Condition="CTInstance"
	Element="SOPClassUID"		StringConstantFromRootAttribute="CTImageStorageSOPClassUID"
ConditionEnd

Condition="ImageTypeValue1OriginalOrMixed"
	Element="ImageType"		ValueSelector="0"	StringValueFromRootAttribute="ORIGINAL"
	Element="ImageType"		ValueSelector="0"	StringValueFromRootAttribute="MIXED"
ConditionEnd

Condition="LeftToRight"
	Element="Rows"		ElementPresent=""
	Element="Columns"	Operator="Or" ElementPresent=""
	Element="Modality"	Operator="And" Modifier="Not" StringValue="CT"
ConditionEnd

Condition="GroupedWithModifier"
	Element="TransferSyntaxUID"			Operator="And" StringValue="1.2.840.10008.1.2.4.101"
	(
		Element="Rows"									BinaryValue="== 720"
		Element="Rows"					Operator="Or"	BinaryValue="> 0x10"
	) Modifier="Not" Operator="And"
}
ConditionEnd

Condition="NeedModuleFrames"
	Element="PixelMeasuresSequence"	ElementPresentInPathFromRoot="SharedFunctionalGroupsSequence"
	Element="PixelMeasuresSequence"	Operator="Or" ElementPresentInPathFromRootFirstItem="PerFrameFunctionalGroupsSequence"
	Element="ReferencedImageSequence"	Operator="Or" SequenceHasOneItem=""
	Element="CodeValue"	ElementPresentWithin="AnatomicRegionSequence"	Operator="And" StringValue="T-1"
	Element="DimensionIndexPointer"	Operator="Or" TagValue="0x0018,0x9304"
	Element="OverlayRows"	Operator="Or" ElementPresentAbove=""
	Element="FieldOfViewShape"	Operator="Or" StringValue="StringValue="ROUND"
	Element="KVP"	Operator="Or" ValueSelector="1" ValuePresent=""
ConditionEnd

Condition="TooDifficult"
# real world
ConditionEnd

Condition="BadKeyword"
	Element="NoSuchKeyword"		ElementPresent=""
ConditionEnd
