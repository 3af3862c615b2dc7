package data

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/puddle/v2"

	"btsplan/planning"
)

// refusedConnect returns the error of a real connection attempt to a port
// nobody listens on: a *pgconn.ConnectError around ECONNREFUSED.
func refusedConnect(t *testing.T) error {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // the port is now free, so a dial is refused
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	c, err := pgconn.Connect(ctx, "postgres://u@"+addr+"/db?sslmode=disable&connect_timeout=2")
	if err == nil {
		c.Close(ctx)
		t.Fatalf("connect to the closed port %s succeeded", addr)
	}
	return err
}

func TestTranslate(t *testing.T) {
	pg := func(code string) error {
		return fmt.Errorf("query: %w", &pgconn.PgError{Severity: "FATAL", Code: code, Message: "m"})
	}
	opErr := func(op string, err error) error {
		return fmt.Errorf("failed to receive message: %w", &net.OpError{Op: op, Net: "tcp", Err: err})
	}
	tests := []struct {
		name     string
		err      error
		want     planning.Kind
		wantLost bool // closes the gate
	}{
		{"admin shutdown 57P01", pg("57P01"), planning.Unavailable, true},
		{"crash shutdown 57P02", pg("57P02"), planning.Unavailable, true},
		{"cannot connect now 57P03", pg("57P03"), planning.Unavailable, true},
		{"too many connections 53300", pg("53300"), planning.Unavailable, true},
		{"connection exception 08000", pg("08000"), planning.Unavailable, true},
		{"connection does not exist 08003", pg("08003"), planning.Unavailable, true},
		{"connection failure 08006", pg("08006"), planning.Unavailable, true},
		{"client unable to connect 08001", pg("08001"), planning.Unavailable, true},
		{"server rejected connection 08004", pg("08004"), planning.Unavailable, true},
		{"protocol violation 08P01", pg("08P01"), planning.Unavailable, true},
		{"query canceled 57014", pg("57014"), planning.Unavailable, false},
		{"idle session timeout 57P05", pg("57P05"), planning.Unavailable, false},
		{"idle in transaction timeout 25P03", pg("25P03"), planning.Unavailable, false},
		{"out of memory 53200", pg("53200"), planning.Unavailable, false},
		{"disk full 53100", pg("53100"), planning.Unavailable, false},
		{"serialization failure 40001", pg("40001"), planning.Unavailable, false},
		{"deadlock 40P01", pg("40P01"), planning.Unavailable, false},
		{"refused connect", refusedConnect(t), planning.Unavailable, true},
		{"gate closed", fmt.Errorf("acquire: %w", errDatabaseDown), planning.Unavailable, true},
		{"conn closed", fmt.Errorf("query: %w", pgconn.ErrConnClosed), planning.Unavailable, true},
		{"EOF", fmt.Errorf("receive: %w", io.EOF), planning.Unavailable, true},
		{"unexpected EOF", fmt.Errorf("receive: %w", io.ErrUnexpectedEOF), planning.Unavailable, true},
		{"connection reset", opErr("read", syscall.ECONNRESET), planning.Unavailable, true},
		{"connection refused", opErr("dial", syscall.ECONNREFUSED), planning.Unavailable, true},
		{"broken pipe", opErr("write", syscall.EPIPE), planning.Unavailable, true},
		{"use of closed connection", opErr("read", net.ErrClosed), planning.Unavailable, true},
		{"other socket error", opErr("read", errors.New("no route")), planning.Unavailable, true},
		{"socket read deadline", opErr("read", os.ErrDeadlineExceeded), planning.Unavailable, false},
		{"context deadline", fmt.Errorf("query: %w", context.DeadlineExceeded), planning.Unavailable, false},
		{"closed pool", fmt.Errorf("acquire: %w", puddle.ErrClosedPool), planning.Unavailable, false},
		{"no rows", pgx.ErrNoRows, planning.NotFound, false},
		{"unique violation 23505", pg("23505"), planning.Exists, false},
		{"foreign key 23503", pg("23503"), planning.Invalid, false},
		{"syntax error 42601", pg("42601"), planning.Internal, false},
		{"undefined table 42P01", pg("42P01"), planning.Internal, false},
		{"plain error", errors.New("boom"), planning.Internal, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := planning.KindOf(translate(tt.err)); got != tt.want {
				t.Errorf("KindOf(translate(%v)) = %v, want %v", tt.err, got, tt.want)
			}
			if got := connLost(tt.err); got != tt.wantLost {
				t.Errorf("connLost(%v) = %v, want %v", tt.err, got, tt.wantLost)
			}
		})
	}
}
