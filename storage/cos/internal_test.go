package cos

import "testing"

func TestBucketURL(t *testing.T) {
	cases := []struct {
		cfg  Config
		want string
	}{
		{Config{Bucket: "records-1250000000", Region: "ap-guangzhou"}, "https://records-1250000000.cos.ap-guangzhou.myqcloud.com"},
		{Config{Bucket: "records-1250000000", Region: "ap-guangzhou", BaseURL: "http://127.0.0.1:9000/"}, "http://127.0.0.1:9000"},
	}
	for _, c := range cases {
		if got := c.cfg.bucketURL(); got != c.want {
			t.Errorf("bucketURL(%+v) = %s, want %s", c.cfg, got, c.want)
		}
	}
}
