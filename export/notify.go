package export

import (
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"sync"
	"time"

	"github.com/lifeline-app/lifeline/checks"
)

// NotifyOptions configure alerts on state change.
type NotifyOptions struct {
	FailureThreshold int
	SuccessThreshold int
	// OnChange is run with `sh -c` for every change, with LIFELINE_ROUTE, LIFELINE_SERVICE,
	// LIFELINE_FROM, LIFELINE_TO and LIFELINE_REASON in a minimal environment (see
	// CommandEnv). Empty: none.
	OnChange string
	// SecretEnv names environment variables that secrets were read from (${…} in the
	// config): the command never sees them, whatever their name.
	SecretEnv []string
	// Webhook receives a JSON POST per change, delivered as Via says (auto when empty). It is
	// a secret (it often embeds a token): it is never printed, and errors only say "webhook".
	// Empty: none. It is a shorthand for a Delivery of kind webhook.
	Webhook string
	// Deliveries are the HTTP notifiers: webhook, ntfy, telegram (see deliveryKinds).
	Deliveries []Delivery
	// Routes are the plan's routes in order, for via: auto; the notifier follows their state
	// from the events it observes.
	Routes []checks.RouteSpec
	// Router dials through a route by name, for deliveries sent via a route. nil: every
	// delivery goes direct.
	Router Router
	// DialDirect opens a direct connection; nil means a plain net.Dialer. Tests replace it.
	DialDirect func(ctx context.Context, network, addr string) (net.Conn, error)

	CommandTimeout time.Duration // default 10s
	WebhookTimeout time.Duration // per attempt, default 5s
	Attempts       int           // webhook attempts per change, default 3
	Backoff        time.Duration // before the second attempt, doubling; default 1s
	QueueSize      int           // changes waiting per channel before new ones are dropped; default 32
	// Diagnostics receives warnings and the command's own output; nil discards them.
	Diagnostics io.Writer
}

// WebhookPayload is the JSON body POSTed for a change.
type WebhookPayload struct {
	Route   string    `json:"route"`
	Service string    `json:"service"`
	From    string    `json:"from"`
	To      string    `json:"to"`
	Reason  string    `json:"reason"`
	Time    time.Time `json:"time"`
}

// Notifier turns check results into announced changes and delivers them to the on_change
// command and the HTTP notifiers (webhook, ntfy, telegram) from goroutines of its own, so a slow command or a hanging webhook
// never holds up the checks: Observe only enqueues, and drops with a warning when full.
type Notifier struct {
	opt     NotifyOptions
	mu      sync.Mutex
	states  *Hysteresis
	queues  []chan Change
	closing chan struct{}
	stopped sync.WaitGroup
	once    sync.Once
	diagMu  sync.Mutex
	routes  routeStates
}

// NewNotifier starts the delivery workers for whatever opt configures.
func NewNotifier(opt NotifyOptions) *Notifier {
	opt = withNotifyDefaults(opt)
	n := &Notifier{
		opt:     opt,
		states:  NewHysteresis(opt.FailureThreshold, opt.SuccessThreshold),
		closing: make(chan struct{}),
	}
	n.routes.replan(opt.Routes)
	if opt.OnChange != "" {
		n.start(n.runCommand)
	}
	for _, d := range opt.Deliveries {
		n.start(func(c Change) { n.deliver(d, c) })
	}
	return n
}

func withNotifyDefaults(opt NotifyOptions) NotifyOptions {
	if opt.CommandTimeout <= 0 {
		opt.CommandTimeout = 10 * time.Second
	}
	if opt.WebhookTimeout <= 0 {
		opt.WebhookTimeout = 5 * time.Second
	}
	if opt.Attempts <= 0 {
		opt.Attempts = 3
	}
	if opt.Backoff <= 0 {
		opt.Backoff = time.Second
	}
	if opt.QueueSize <= 0 {
		opt.QueueSize = 32
	}
	if opt.Diagnostics == nil {
		opt.Diagnostics = io.Discard
	}
	if opt.Webhook != "" {
		opt.Deliveries = append([]Delivery{{Kind: checks.NotifyWebhook, URL: opt.Webhook}}, opt.Deliveries...)
		opt.Webhook = ""
	}
	for i := range opt.Deliveries {
		if opt.Deliveries[i].Via == "" {
			opt.Deliveries[i].Via = checks.ViaAuto
		}
	}
	if opt.DialDirect == nil {
		opt.DialDirect = (&net.Dialer{}).DialContext
	}
	return opt
}

func (n *Notifier) start(deliver func(Change)) {
	q := make(chan Change, n.opt.QueueSize)
	n.queues = append(n.queues, q)
	n.stopped.Add(1)
	go func() {
		defer n.stopped.Done()
		for {
			select {
			case c := <-q:
				deliver(c)
			case <-n.closing:
				return
			}
		}
	}()
}

// Prime feeds stored results (oldest first) to the state machine without announcing
// anything, so that a restarted lifeline knows each cell's state and does not repeat an
// alert it already sent.
func (n *Notifier) Prime(results []checks.CheckResult) {
	n.mu.Lock()
	defer n.mu.Unlock()
	for _, r := range results {
		n.states.Step(r)
	}
}

// Observe feeds a finished check to the state machine and queues the change it completes.
func (n *Notifier) Observe(e checks.Event) {
	if e.Kind == checks.EventPlanChanged && e.Plan != nil {
		n.mu.Lock()
		n.states.Retain(checks.PlanCells(*e.Plan))
		n.mu.Unlock()
		n.routes.replan(e.Plan.Routes)
		return
	}
	if e.Kind == checks.EventRouteChecked {
		n.routes.observe(e.Route)
		return
	}
	if e.Kind != checks.EventCheckDone {
		return
	}
	n.routes.observeCheck(e.Check)
	n.mu.Lock()
	change, ok := n.states.Step(e.Check)
	n.mu.Unlock()
	if !ok {
		return
	}
	for _, q := range n.queues {
		select {
		case q <- change:
		default:
			n.warnf("alert queue full, dropped the change of %s/%s to %s", change.Route, change.Service, change.To)
		}
	}
}

// Close stops the workers; a delivery in progress is abandoned when its timeout expires at
// the latest. Queued changes not yet started are dropped.
func (n *Notifier) Close() {
	n.once.Do(func() { close(n.closing) })
	n.stopped.Wait()
}

func (n *Notifier) runCommand(c Change) {
	ctx, cancel := n.deliveryContext(n.opt.CommandTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "sh", "-c", n.opt.OnChange)
	cmd.Env = append(CommandEnv(os.Environ(), n.opt.SecretEnv),
		"LIFELINE_ROUTE="+checks.Sanitize(c.Route),
		"LIFELINE_SERVICE="+checks.Sanitize(c.Service),
		"LIFELINE_FROM="+string(c.From),
		"LIFELINE_TO="+string(c.To),
		"LIFELINE_REASON="+checks.Sanitize(c.Reason),
	)
	out := &lockedWriter{w: n.opt.Diagnostics, mu: &n.diagMu}
	cmd.Stdout, cmd.Stderr = out, out
	// A grandchild keeping the output open must not keep us waiting past the timeout.
	cmd.WaitDelay = time.Second
	if err := cmd.Run(); err != nil {
		if ctx.Err() == context.DeadlineExceeded {
			n.warnf("on_change command timed out after %s", n.opt.CommandTimeout)
			return
		}
		n.warnf("on_change command failed: %v", err)
	}
}

// deliveryContext ends at the timeout or when the notifier closes.
func (n *Notifier) deliveryContext(timeout time.Duration) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	go func() {
		select {
		case <-n.closing:
			cancel()
		case <-ctx.Done():
		}
	}()
	return ctx, cancel
}

func (n *Notifier) warnf(format string, args ...any) {
	n.diagMu.Lock()
	defer n.diagMu.Unlock()
	fmt.Fprintf(n.opt.Diagnostics, "lifeline: "+format+"\n", args...)
}

// lockedWriter serialises writes to the shared diagnostics stream.
type lockedWriter struct {
	w  io.Writer
	mu *sync.Mutex
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
