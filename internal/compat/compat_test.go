package compat

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

func TestRecord(t *testing.T) {
	path := filepath.Join(t.TempDir(), "log.jsonl")
	t.Setenv(LogEnv, path)
	t.Run("ok", func(t *testing.T) {
		Record(t, Row{Area: "cookie", Venv: "flask31"})
	})
	t.Run("skipped", func(t *testing.T) {
		Record(t, Row{Area: "cookie", Venv: "flask20", Check: "x"})
		t.Skip("no venv")
	})
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var rows []Row
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var r Row
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatal(err)
		}
		rows = append(rows, r)
	}
	want := []Row{
		{Area: "cookie", Venv: "flask31", Check: "TestRecord", Passed: true},
		{Area: "cookie", Venv: "flask20", Check: "x", Skipped: true},
	}
	if len(rows) != len(want) {
		t.Fatalf("rows %+v", rows)
	}
	for i := range want {
		if rows[i] != want[i] {
			t.Errorf("row %d: %+v, want %+v", i, rows[i], want[i])
		}
	}
}

func TestNoLog(t *testing.T) {
	t.Setenv(LogEnv, "")
	if err := Write(Row{Area: "cookie"}); err != nil {
		t.Fatal(err)
	}
}
