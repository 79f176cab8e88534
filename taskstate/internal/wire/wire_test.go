package wire

import (
	"bytes"
	"testing"
)

func TestRoundTrip(t *testing.T) {
	in := Value{Data: []byte{0, 1, 0xff}, HA: 2, Owner: "host:1", Token: 42}
	out, err := Unmarshal("t", Marshal(in))
	if err != nil {
		t.Fatal(err)
	}
	if out.V != version || !bytes.Equal(out.Data, in.Data) || out.HA != 2 || out.Owner != "host:1" || out.Token != 42 {
		t.Fatalf("round trip: %+v", out)
	}
}

func TestUnmarshalRejects(t *testing.T) {
	for _, b := range []string{
		"", "not json", `{"v":2,"ha":0}`, `{"ha":0}`, `{"v":1,"ha":-1}`, `{"v":1,"data":"%%%"}`, `[]`,
	} {
		if _, err := Unmarshal("t", []byte(b)); err == nil {
			t.Errorf("Unmarshal(%q) succeeded", b)
		}
	}
}
