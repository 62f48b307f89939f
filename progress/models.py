# Progress views read the other apps' records; the packs they freeze come later.
