package registry

import "strconv"

// formatEUR writes cents as euros with no trailing zeros: 1500 → "15", 1250 → "12.5".
func formatEUR(cents int) string {
	return strconv.FormatFloat(float64(cents)/100, 'f', -1, 64)
}
