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
// "<package>/<name>", such as "perf/CookieOpen/login": the package is the
// last element of the pkg: line before the benchmark. The CPU time per
// operation (cpu-ns/op) is the sample; a benchmark without it counts its
// wall-clock time.
func readGo(file string, into map[string]*Stat) (cpuModel string, err error) {
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
			cpuModel = strings.TrimSpace(c)
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
		wall, cpu := -1.0, -1.0
		for i := 0; i+1 < len(fields); i += 2 {
			v, err := strconv.ParseFloat(fields[i], 64)
			if err != nil {
				continue
			}
			switch fields[i+1] {
			case "ns/op":
				wall = v
			case "cpu-ns/op":
				cpu = v
			case "B/op":
				s.Bytes = append(s.Bytes, v)
				s.HasAllocs = true
			case "allocs/op":
				s.Allocs = append(s.Allocs, v)
				s.HasAllocs = true
			}
		}
		if wall >= 0 {
			s.Wall = append(s.Wall, wall)
			if cpu < 0 {
				cpu = wall
			}
		}
		if cpu >= 0 {
			s.Samples = append(s.Samples, cpu)
		}
	}
	return cpuModel, sc.Err()
}
