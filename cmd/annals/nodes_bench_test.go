package main

import (
	"fmt"
	"slices"
	"sync/atomic"
	"testing"
	"time"
)

// BenchmarkReplicationLag measures, on two nodes sharing one PostgreSQL
// database, the time from a write acknowledged by node A to the record
// being found by a search on node B, for 1,000 probe writes made one after
// another while a second client streams other writes to A. It reports the
// median and the 99th percentile, and the stream's writes/s. Run it with
// -benchtime 1x (each run is the 1,000 probes).
func BenchmarkReplicationLag(b *testing.B) {
	c := newCluster(b)
	a, _ := c.node("")
	nb, _ := c.node("")
	const probes = 1000
	for range b.N {
		var streamed atomic.Int64
		stop := make(chan struct{})
		done := make(chan struct{})
		go func() {
			defer close(done)
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				if _, err := c.create(a, fmt.Sprintf("Background stream %d", i)); err == nil {
					streamed.Add(1)
				}
			}
		}()
		start := time.Now()
		lags := make([]time.Duration, 0, probes)
		for i := range probes {
			word := fmt.Sprintf("probe%dx%d", b.N, i)
			if _, err := c.create(a, "Lag "+word); err != nil {
				b.Fatal(err)
			}
			acked := time.Now()
			for found(nb, word) != 1 {
				if time.Since(acked) > 30*time.Second {
					b.Fatalf("%s not found on B after 30 s", word)
				}
				time.Sleep(time.Millisecond)
			}
			lags = append(lags, time.Since(acked))
		}
		close(stop)
		<-done
		elapsed := time.Since(start)
		slices.Sort(lags)
		b.ReportMetric(float64(lags[len(lags)/2].Microseconds())/1000, "p50-ms")
		b.ReportMetric(float64(lags[len(lags)*99/100].Microseconds())/1000, "p99-ms")
		b.ReportMetric(float64(streamed.Load())/elapsed.Seconds(), "stream-writes/s")
	}
}
