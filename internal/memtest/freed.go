package memtest

import (
	"runtime"
	"time"
)

// FreedByOneCollection runs use, which gives track the object to watch and
// keeps no reference to it, and reports whether the first collection
// after use returns frees it: whether nothing use started, such as a
// pool, a cache or a goroutine, still holds it. It waits up to wait for
// the runtime to run the object's cleanup.
func FreedByOneCollection[T any](wait time.Duration, use func(track func(*T))) bool {
	freed := make(chan struct{})
	use(func(p *T) { runtime.AddCleanup(p, func(ch chan struct{}) { close(ch) }, freed) })
	runtime.GC()
	select {
	case <-freed:
		return true
	case <-time.After(wait):
		return false
	}
}
