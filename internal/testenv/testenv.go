// Package testenv gives tests what they need from their environment: the
// shared data directory beside the repository, and the rule that a missing
// requirement fails the test in CI (CI=true) and skips it elsewhere.
package testenv

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// InCI reports whether the tests run in CI, where every requirement must be
// there.
func InCI() bool { return os.Getenv("CI") == "true" }

// Require fails the test in CI and skips it elsewhere, with the reason.
func Require(t testing.TB, format string, args ...any) {
	t.Helper()
	if InCI() {
		t.Fatalf("CI=true: "+format, args...)
	}
	t.Skipf(format, args...)
}

// ModuleRoot returns the main module's root directory (the one holding
// go.mod), found from this file's location so it works from any package.
func ModuleRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Clean(filepath.Join(filepath.Dir(file), "..", ".."))
}

// Shared returns the path of parts inside ../shared, the data directory laid
// beside the repository. When it is missing the test is skipped, or failed
// in CI.
func Shared(t testing.TB, parts ...string) string {
	t.Helper()
	p := filepath.Join(append([]string{ModuleRoot(), "..", "shared"}, parts...)...)
	if _, err := os.Stat(p); err != nil {
		Require(t, "shared data not found: %v", err)
	}
	return p
}
