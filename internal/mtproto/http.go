package mtproto

// HTTPPath is where the HTTP transport takes messages: each POST body is one message and
// each answer body is one message (core.telegram.org/mtproto/transports#http).
const HTTPPath = "/api"
