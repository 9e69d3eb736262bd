// Package checks is lifeline's domain: what a check is and what it found. It holds the plan
// and its settings, target kinds and roles, route specs, the results and measurements of a
// sweep (with their summaries), the failure vocabulary, verdicts and how a service is judged,
// the JSON wire shapes and the history of each route × service.
//
// Every other package imports it; it imports nothing of the project. The network work that
// produces results lives in package engine.
package checks
