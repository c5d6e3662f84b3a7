package main

import (
	"bufio"
	"os"
	"path"
	"regexp"
	"strconv"
	"strings"
)

// benchLine is one line of `go test -bench` output: the name (with the
// -GOMAXPROCS suffix when it is not 1), the iterations, then value/unit
// pairs.
var benchLine = regexp.MustCompile(`^Benchmark(\S+?)(?:-\d+)?\s+\d+\s+(.*)$`)

// readGo reads the raw output of the Go benchmarks into stats keyed by
// "<package>/<name>", such as "flaskcookie/Decode/login": the package is
// the last element of the pkg: line before the benchmark.
func readGo(file string, into map[string]*Stat) (cpu string, err error) {
	f, err := os.Open(file)
	if err != nil {
		return "", err
	}
	defer f.Close()
	pkg := ""
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if p, ok := strings.CutPrefix(line, "pkg: "); ok {
			pkg = path.Base(strings.TrimSpace(p))
			continue
		}
		if c, ok := strings.CutPrefix(line, "cpu: "); ok {
			cpu = strings.TrimSpace(c)
			continue
		}
		m := benchLine.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		key := pkg + "/" + m[1]
		s := into[key]
		if s == nil {
			s = &Stat{}
			into[key] = s
		}
		fields := strings.Fields(m[2])
		for i := 0; i+1 < len(fields); i += 2 {
			v, err := strconv.ParseFloat(fields[i], 64)
			if err != nil {
				continue
			}
			switch fields[i+1] {
			case "ns/op":
				s.Samples = append(s.Samples, v)
			case "B/op":
				s.Bytes = append(s.Bytes, v)
				s.HasAllocs = true
			case "allocs/op":
				s.Allocs = append(s.Allocs, v)
				s.HasAllocs = true
			}
		}
	}
	return cpu, sc.Err()
}
