package schedule

import "math/bits"

// Bitmaps over candidate indices: bit j of word j/64 stands for cand[j].

// setAll sets bits [0, n) and clears the rest of bm.
func setAll(bm []uint64, n int) {
	for i := range bm {
		bm[i] = ^uint64(0)
	}
	if r := n & 63; r != 0 {
		bm[len(bm)-1] = 1<<r - 1
	}
}

// setRange sets bits [a, b).
func setRange(bm []uint64, a, b int) {
	if a >= b {
		return
	}
	wa, wb := a>>6, (b-1)>>6
	ma, mb := ^uint64(0)<<(a&63), ^uint64(0)>>(63-(b-1)&63)
	if wa == wb {
		bm[wa] |= ma & mb
		return
	}
	bm[wa] |= ma
	for i := wa + 1; i < wb; i++ {
		bm[i] = ^uint64(0)
	}
	bm[wb] |= mb
}

// clearRange clears bits [a, b).
func clearRange(bm []uint64, a, b int) {
	if a >= b {
		return
	}
	wa, wb := a>>6, (b-1)>>6
	ma, mb := ^uint64(0)<<(a&63), ^uint64(0)>>(63-(b-1)&63)
	if wa == wb {
		bm[wa] &^= ma & mb
		return
	}
	bm[wa] &^= ma
	for i := wa + 1; i < wb; i++ {
		bm[i] = 0
	}
	bm[wb] &^= mb
}

func hasBit(bm []uint64, j int) bool { return bm[j>>6]&(1<<(j&63)) != 0 }

func andInto(dst, src []uint64) {
	src = src[:len(dst)]
	for i := range dst {
		dst[i] &= src[i]
	}
}

func orInto(dst, src []uint64) {
	src = src[:len(dst)]
	for i := range dst {
		dst[i] |= src[i]
	}
}

func isZero(bm []uint64) bool {
	for _, w := range bm {
		if w != 0 {
			return false
		}
	}
	return true
}

func popCount(bm []uint64) int {
	n := 0
	for _, w := range bm {
		n += bits.OnesCount64(w)
	}
	return n
}

func trailingZeros(w uint64) int { return bits.TrailingZeros64(w) }
