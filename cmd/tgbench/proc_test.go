package main

import "testing"

func TestReadUsageOfThisProcess(t *testing.T) {
	u, err := readUsage("self")
	if err != nil {
		t.Fatal(err)
	}
	if u.PeakRSS < 1<<20 || u.CPU < 0 {
		t.Fatalf("got peak RSS %d bytes, CPU %v; want at least 1 MiB and no negative time", u.PeakRSS, u.CPU)
	}
}
