// Package tools pins the Node.js language host
// (github.com/pulumi/pulumi/sdk/v3/nodejs/cmd/pulumi-language-nodejs) so that go.mod/go.sum
// record the exact module graph it is built from.
//
// Do NOT run `go build ./...` in this module: importing a main package is not
// allowed, so building this file fails by design. scripts/ensure-pulumi.sh
// builds the command itself:
//
//	go build ... github.com/pulumi/pulumi/sdk/v3/nodejs/cmd/pulumi-language-nodejs
//
// There is deliberately no `//go:build tools` constraint: with one,
// `go mod tidy` would drop the requirement.
package tools

import _ "github.com/pulumi/pulumi/sdk/v3/nodejs/cmd/pulumi-language-nodejs"
