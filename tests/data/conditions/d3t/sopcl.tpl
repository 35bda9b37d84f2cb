DirectoryRecord="IMAGE"	Name="CTImageStorage"	Desc="CT Image Storage"	Uid="1.2.840.10008.5.1.4.1.1.2"
