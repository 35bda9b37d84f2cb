BinaryValues="SamplesPerPixelIsOne" {
	0x0001
}
