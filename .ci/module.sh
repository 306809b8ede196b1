# Sourced, not run: check_module DIR runs, in the Go module at DIR, what CI
# asks of every module: gofmt, go vet, staticcheck ($STATICCHECK_VERSION)
# and the race-enabled tests. It reports through step(), which the sourcing
# script defines.
check_module() (
  cd "$1"
  step "gofmt"
  unformatted=$(gofmt -l .)
  if [ -n "$unformatted" ]; then
    echo "gofmt would change:"; echo "$unformatted"; exit 1
  fi
  step "go vet"
  go vet ./...
  step "staticcheck $STATICCHECK_VERSION"
  go run "honnef.co/go/tools/cmd/staticcheck@$STATICCHECK_VERSION" ./...
  step "go test -race"
  go test -race -count=1 ./...
)
