package main

// childNoFileEnv, when set, makes the child lower its open-file limit to this many before
// running lifeline, as a user's `ulimit -n` would.
const childNoFileEnv = "LIFELINE_CHILD_NOFILE"
