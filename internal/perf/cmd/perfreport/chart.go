package main

import (
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"math"
	"os"
	"strconv"

	"golang.org/x/image/font"
	"golang.org/x/image/font/basicfont"
	"golang.org/x/image/math/fixed"
)

// A bar of the chart: how many times faster ours is than the comparison
// (their time / our time), with the spread and the target in the same
// terms.
type bar struct {
	Section        string // starts a new section when it differs from the bar above
	Label          string
	Speed, Lo, Hi  float64
	Target         float64 // 0: none
	Met, HasTarget bool
}

var (
	colWhite  = color.RGBA{255, 255, 255, 255}
	colText   = color.RGBA{30, 30, 30, 255}
	colGrid   = color.RGBA{225, 225, 225, 255}
	colAxis   = color.RGBA{120, 120, 120, 255}
	colMet    = color.RGBA{70, 150, 90, 255}
	colNotMet = color.RGBA{205, 80, 70, 255}
	colRef    = color.RGBA{150, 160, 175, 255}
	colTarget = color.RGBA{20, 20, 20, 255}
)

const (
	chartWidth = 1100
	labelWidth = 360
	valueWidth = 80
	rowHeight  = 20
	topMargin  = 58
	bottomPad  = 40
	sectionGap = 24
)

// drawChart renders the bars as a PNG: a log-scale horizontal bar chart
// around 1× (parity), bars to the right where ours is faster.
func drawChart(file, title string, bars []bar) error {
	height := topMargin + bottomPad
	prev := ""
	for _, b := range bars {
		if b.Section != prev {
			height += sectionGap
			prev = b.Section
		}
		height += rowHeight
	}
	img := image.NewRGBA(image.Rect(0, 0, chartWidth, height))
	draw.Draw(img, img.Bounds(), image.NewUniform(colWhite), image.Point{}, draw.Src)

	// The domain: whole decades around every value and target, 1× included.
	lo, hi := 1.0, 1.0
	for _, b := range bars {
		for _, v := range []float64{b.Lo, b.Hi, b.Speed, b.Target} {
			if v > 0 && !math.IsInf(v, 0) && !math.IsNaN(v) {
				lo, hi = math.Min(lo, v), math.Max(hi, v)
			}
		}
	}
	dlo, dhi := math.Floor(math.Log10(lo)), math.Ceil(math.Log10(hi))
	if dhi == dlo {
		dhi++
	}
	x0, x1 := labelWidth, chartWidth-valueWidth
	xOf := func(v float64) int {
		v = math.Max(v, math.Pow(10, dlo))
		return x0 + int(math.Round((math.Log10(v)-dlo)/(dhi-dlo)*float64(x1-x0)))
	}

	text(img, 12, 20, title, colText)
	text(img, 12, 38, "their CPU time / our CPU time (end to end: requests/s and latency), log scale: right of 1x ours is faster. | target, - spread", colAxis)

	// Grid: 1, 2, 5 of each decade.
	plotTop, plotBottom := topMargin, height-bottomPad
	for d := dlo; d <= dhi; d++ {
		for _, m := range []float64{1, 2, 5} {
			v := m * math.Pow(10, d)
			if math.Log10(v) > dhi+1e-9 {
				break
			}
			x := xOf(v)
			c := colGrid
			if v == 1 {
				c = colAxis
			}
			vline(img, x, plotTop, plotBottom, c)
			l := strconv.FormatFloat(v, 'g', -1, 64) + "x"
			text(img, x-len(l)*7/2, plotBottom+16, l, colAxis)
		}
	}

	y := plotTop
	prev = ""
	for _, b := range bars {
		if b.Section != prev {
			y += sectionGap
			text(img, 12, y-6, b.Section, colText)
			hline(img, 12, chartWidth-12, y-2, colGrid)
			prev = b.Section
		}
		mid := y + rowHeight/2
		text(img, 24, mid+4, clip(b.Label, (labelWidth-36)/7), colText)
		if b.Speed > 0 && !math.IsNaN(b.Speed) {
			c := colRef
			if b.HasTarget {
				c = colNotMet
				if b.Met {
					c = colMet
				}
			}
			xa, xb := xOf(1), xOf(b.Speed)
			if xb < xa {
				xa, xb = xb, xa
			}
			fill(img, image.Rect(xa, y+4, xb+1, y+rowHeight-4), c)
			if b.Lo > 0 && b.Hi > 0 {
				hline(img, xOf(b.Lo), xOf(b.Hi), mid, colTarget)
				vline(img, xOf(b.Lo), mid-3, mid+3, colTarget)
				vline(img, xOf(b.Hi), mid-3, mid+3, colTarget)
			}
			text(img, x1+8, mid+4, fmtRatioASCII(b.Speed), colText)
		} else {
			text(img, x1+8, mid+4, "n/a", colAxis)
		}
		if b.Target > 0 {
			xt := xOf(b.Target)
			fill(img, image.Rect(xt-1, y+1, xt+2, y+rowHeight-1), colTarget)
		}
		y += rowHeight
	}

	f, err := os.Create(file)
	if err != nil {
		return err
	}
	if err := png.Encode(f, img); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func fmtRatioASCII(r float64) string {
	if r >= 10 {
		return strconv.FormatFloat(r, 'f', 1, 64) + "x"
	}
	return strconv.FormatFloat(r, 'f', 2, 64) + "x"
}

func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "~"
}

func text(img draw.Image, x, y int, s string, c color.Color) {
	d := font.Drawer{Dst: img, Src: image.NewUniform(c), Face: basicfont.Face7x13, Dot: fixed.P(x, y)}
	d.DrawString(s)
}

func fill(img draw.Image, r image.Rectangle, c color.Color) {
	draw.Draw(img, r, image.NewUniform(c), image.Point{}, draw.Src)
}

func hline(img draw.Image, xa, xb, y int, c color.Color) {
	if xb < xa {
		xa, xb = xb, xa
	}
	fill(img, image.Rect(xa, y, xb+1, y+1), c)
}

func vline(img draw.Image, x, ya, yb int, c color.Color) {
	fill(img, image.Rect(x, ya, x+1, yb+1), c)
}
