package checks

// Kinds of HTTP alert notifier, as the config names them and the exporter delivers them.
const (
	NotifyWebhook  = "webhook"  // a JSON POST to any URL
	NotifyNtfy     = "ntfy"     // a message published to an ntfy topic URL
	NotifyTelegram = "telegram" // a message from a Telegram bot to a chat
)

// Ways an alert can leave; any other value names a route of the plan.
const (
	// ViaAuto sends through a route lifeline sees working (up, with a service working through
	// it), direct routes first, then straight out; each retry takes the next one. The alert
	// must escape the censorship it reports.
	ViaAuto = "auto"
	// ViaDirect sends straight out, ignoring *_PROXY variables.
	ViaDirect = "direct"
	// ViaEnv sends straight out but honours HTTP_PROXY, HTTPS_PROXY and NO_PROXY.
	ViaEnv = "env"
)
