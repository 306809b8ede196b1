package groups_test

import (
	"testing"
	"time"

	"github.com/impexkit/impex/groups"
)

// TestEvaluationDoesNotAllocate holds the engine to its promise, including
// for a Subject built afresh on the caller's stack for every call.
func TestEvaluationDoesNotAllocate(t *testing.T) {
	opts := groups.Options{Location: helsinki, Now: func() time.Time { return now }}
	gs := append(benchGroups(), &groups.Group{ID: "newsletter", Kind: groups.Static},
		dyn("loyal big spenders", inGroups("Big Spenders"), inGroups("loyalty", "newsletter")))
	set, err := groups.NewSet(gs, opts)
	if err != nil {
		t.Fatal(err)
	}
	compiled := set.Rule("lapsed capital region")
	c := benchSubject(7).Customer
	session := benchSubject(7).Session
	dst := make([]string, 0, 32)
	for name, f := range map[string]func(){
		"Compiled.Match": func() {
			sub := groups.Subject{Customer: c, Session: session}
			compiled.Match(&sub)
		},
		"Set.Member of a group with dependencies": func() {
			sub := groups.Subject{Customer: c, Session: session}
			set.Member(&sub, "loyal big spenders")
		},
		"Set.Members": func() {
			sub := groups.Subject{Customer: c, Session: session}
			dst = set.Members(&sub, dst[:0])
		},
	} {
		if n := testing.AllocsPerRun(100, f); n != 0 {
			t.Errorf("%s allocates %v times per call", name, n)
		}
	}
}
