TagValues="NMFrameIncrementPointerValues" {
	0x0054,0x0010 = Energy Window Vector
}
