// Package e2e holds the browser tests of the web UI: real headless Chromium
// driven by chromedp against an httptest server running the real analysis
// pipeline. They skip when Chromium is missing, except under CI=true, where
// they fail.
//
// Screenshots go to $NEWSLENS_ARTIFACTS (default: a temp directory); run
// with -update-screenshots to refresh the ones committed in docs/screenshots.
package e2e
