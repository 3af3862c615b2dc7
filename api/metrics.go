package api

import (
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"btsplan/planning"
)

// metrics are the API's Prometheus series, on a registry of their own so
// two handlers (as in tests) never collide and nothing is global.
type metrics struct {
	reg      *prometheus.Registry
	duration *prometheus.HistogramVec
	checks   *prometheus.CounterVec
}

func newMetrics(log *slog.Logger, poolStats func() (acquired, idle, total int32)) *metrics {
	m := &metrics{
		reg: prometheus.NewRegistry(),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: "btsplan",
			Name:      "http_request_duration_seconds",
			Help:      "Latency of HTTP requests by route template, method and status.",
			Buckets:   []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30},
		}, []string{"route", "method", "code"}),
		checks: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "btsplan",
			Name:      "assessments_total",
			Help:      "Sites assessed, by operation (check is a dry run, submit stores) and verdict.",
		}, []string{"op", "verdict"}),
	}
	cs := []prometheus.Collector{
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		m.duration,
		m.checks,
	}
	// Start every verdict at zero so rates and alerts see the series.
	for _, op := range []string{"check", "submit"} {
		for _, v := range []planning.Verdict{planning.Approve, planning.Conditional, planning.Conflict} {
			m.checks.WithLabelValues(op, string(v))
		}
	}
	if poolStats != nil {
		cs = append(cs, poolCollector{stats: poolStats, desc: prometheus.NewDesc(
			"btsplan_db_pool_connections",
			"Database pool connections by state: acquired (in use), idle, total.",
			[]string{"state"}, nil)})
	}
	for _, c := range cs {
		// The registry is new and the collectors fixed, so this fails only
		// on a bug; serve without the series rather than panic.
		if err := m.reg.Register(c); err != nil {
			log.Error("register metrics collector", "err", err)
		}
	}
	return m
}

func (m *metrics) observeRequest(method, route string, status int, elapsed time.Duration) {
	m.duration.WithLabelValues(route, method, strconv.Itoa(status)).Observe(elapsed.Seconds())
}

func (m *metrics) countAssessment(op string, v planning.Verdict) {
	m.checks.WithLabelValues(op, string(v)).Inc()
}

func (m *metrics) handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
}

// poolCollector reads the pool once per scrape so acquired, idle and total
// come from the same instant.
type poolCollector struct {
	stats func() (acquired, idle, total int32)
	desc  *prometheus.Desc
}

func (p poolCollector) Describe(ch chan<- *prometheus.Desc) { ch <- p.desc }

func (p poolCollector) Collect(ch chan<- prometheus.Metric) {
	acquired, idle, total := p.stats()
	for _, s := range []struct {
		state string
		n     int32
	}{{"acquired", acquired}, {"idle", idle}, {"total", total}} {
		m, err := prometheus.NewConstMetric(p.desc, prometheus.GaugeValue, float64(s.n), s.state)
		if err != nil {
			m = prometheus.NewInvalidMetric(p.desc, err)
		}
		ch <- m
	}
}
