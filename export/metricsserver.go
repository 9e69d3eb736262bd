package export

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"

	"golang.org/x/net/netutil"
)

// Limits of the metrics server: a scrape is one small GET.
const (
	metricsHeaderTimeout = 5 * time.Second
	metricsReadTimeout   = 10 * time.Second
	metricsWriteTimeout  = 10 * time.Second
	metricsIdleTimeout   = 30 * time.Second
	metricsMaxHeader     = 8 << 10
	metricsMaxBody       = 4 << 10
)

// ServeMetrics serves h at /metrics (and /) on ln, holding at most maxConns connections at
// once, with header, read, write and idle timeouts and caps on the request's header and body.
// Further clients wait in the kernel's accept queue, which costs lifeline no descriptor: a
// local user flooding the port can slow scrapes down, never run the checks out of
// descriptors. maxConns is the share the scheduler's descriptor budget keeps for the server.
// Errors of the server go to diag. shutdown stops it and waits for it.
func ServeMetrics(ln net.Listener, h http.Handler, maxConns int, diag io.Writer) (shutdown func()) {
	mux := http.NewServeMux()
	bounded := http.MaxBytesHandler(h, metricsMaxBody)
	mux.Handle("/metrics", bounded)
	mux.Handle("/", bounded)
	srv := &http.Server{
		Handler:           mux,
		ReadHeaderTimeout: metricsHeaderTimeout,
		ReadTimeout:       metricsReadTimeout,
		WriteTimeout:      metricsWriteTimeout,
		IdleTimeout:       metricsIdleTimeout,
		MaxHeaderBytes:    metricsMaxHeader,
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := srv.Serve(netutil.LimitListener(ln, maxConns)); err != nil && !errors.Is(err, http.ErrServerClosed) {
			fmt.Fprintln(diag, "lifeline: --metrics:", err)
		}
	}()
	return func() {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		if srv.Shutdown(ctx) != nil {
			srv.Close()
		}
		<-done
	}
}
