StringValues="Sex" {
	M = Male,
	F = Female,
	O = Other,
	***EMPTYVALUE***
}

StringValues="ImageType1"	{
	ORIGINAL,
	DERIVED
}

StringValues="ImageType2"	{
	PRIMARY,
	SECONDARY
}

StringValues="CTImageType3" {
	AXIAL,
	LOCALIZER,
	BAD(VALUE)
}

StringValues="SRRelationshipType" {
	CONTAINS,
	HAS PROPERTIES
}
