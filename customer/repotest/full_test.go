package repotest

import (
	"reflect"
	"testing"
	"time"
)

// TestFullCustomerSetsEveryField keeps FullCustomer honest: a field it
// leaves zero is a field no store test can see dropped.
func TestFullCustomerSetsEveryField(t *testing.T) {
	assigned := map[string]bool{"ID": true, "Version": true, "CreatedAt": true, "UpdatedAt": true}
	var walk func(path string, v reflect.Value)
	walk = func(path string, v reflect.Value) {
		if v.IsZero() {
			t.Errorf("FullCustomer leaves %s zero", path)
			return
		}
		switch v.Kind() {
		case reflect.Pointer:
			walk(path, v.Elem())
		case reflect.Slice:
			walk(path+"[0]", v.Index(0))
		case reflect.Struct:
			if v.Type() == reflect.TypeFor[time.Time]() {
				return
			}
			for i := range v.NumField() {
				if f := v.Type().Field(i); path != "Customer" || !assigned[f.Name] {
					walk(path+"."+f.Name, v.Field(i))
				}
			}
		}
	}
	walk("Customer", reflect.ValueOf(FullCustomer(1)).Elem())
}
