(60xx,0010) VERS="3"	VR="US"   VM="1"	Keyword="OverlayRows"				Name="Overlay Rows"
