// Command btsplan is the btsplan service and its tools: serve the API,
// migrate the database, import layers and DEMs, check a site, export
// GeoJSON, generate the synthetic demo district, and run ITM and coverage.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args, os.Getenv, os.Stdin, os.Stdout, os.Stderr)
	stop()
	if err != nil {
		if !errors.Is(err, errUsage) {
			fmt.Fprintln(os.Stderr, "btsplan:", err)
		}
		os.Exit(exitCode(err))
	}
}

// errUsage marks an error whose message the flag package already printed.
var errUsage = errors.New("usage")

func exitCode(err error) int {
	if errors.Is(err, errUsage) {
		return 2
	}
	return 1
}

type command struct {
	name  string
	short string
	run   func(ctx context.Context, env *environment, args []string) error
}

// environment is what every subcommand gets from main: the process
// environment and the standard streams. Nothing is read from globals.
type environment struct {
	getenv func(string) string
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
}

func commands() []command {
	return []command{
		{"serve", "serve the HTTP API and the web map", cmdServe},
		{"worker", "work the job queue (proposal coverages) without serving HTTP", cmdWorker},
		{"migrate", "apply the database migrations", cmdMigrate},
		{"import", "import a layer, admin units or a DEM (import layer|admin|dem --help)", cmdImport},
		{"check", "check a site proposal (GeoJSON Feature) without storing it", cmdCheck},
		{"export", "export proposals, findings or a layer as GeoJSON", cmdExport},
		{"demo", "generate and load the synthetic demo district", cmdDemo},
		{"itm", "run ITM point-to-point cases from a reference-schema JSON file", cmdITM},
		{"coverage", "compute the terrain-aware coverage of a site", cmdCoverage},
		{"gaps", "analyse the coverage gaps of the existing networks, village by village", cmdGaps},
		{"search", "search for the best sites: zoning-clean locations covering the most people without signal", cmdSearch},
		{"load", "load-test a running server with mixed checks and submissions", cmdLoad},
		{"user", "add a user with its roles (user add --help)", cmdUser}, {"token", "create or revoke a user's bearer token (token create|revoke --help)", cmdToken},
	}
}

func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	env := &environment{getenv: getenv, stdin: stdin, stdout: stdout, stderr: stderr}
	if len(args) < 2 || args[1] == "-h" || args[1] == "--help" || args[1] == "help" {
		usage(stderr)
		if len(args) < 2 {
			return errUsage
		}
		return nil
	}
	for _, c := range commands() {
		if c.name == args[1] {
			return c.run(ctx, env, args[2:])
		}
	}
	usage(stderr)
	return fmt.Errorf("unknown command %q", args[1])
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: btsplan COMMAND [flags]   (btsplan COMMAND --help for its flags)")
	fmt.Fprintln(w, "\ncommands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-9s %s\n", c.name, c.short)
	}
	fmt.Fprintln(w, "\nThe database is named by DATABASE_URL; see README.md for every setting.")
}
