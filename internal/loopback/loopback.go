// Package loopback configures pion/webrtc for tests and demos that must stay
// on the loopback interface: ICE gathers only host candidates on "lo" over
// UDP4, mDNS is off (nothing is sent to a multicast group) and no STUN/TURN
// server is configured, so no other interface is probed.
package loopback

import (
	"net"

	"github.com/pion/ice/v4"
	"github.com/pion/interceptor"
	"github.com/pion/webrtc/v4"
)

// SettingEngine returns a pion SettingEngine restricted to the loopback
// interface (see the package comment).
func SettingEngine() webrtc.SettingEngine {
	var se webrtc.SettingEngine
	se.SetInterfaceFilter(func(name string) bool { return name == "lo" })
	se.SetIPFilter(func(ip net.IP) bool { return ip.IsLoopback() && ip.To4() != nil })
	se.SetIncludeLoopbackCandidate(true)
	se.SetNetworkTypes([]webrtc.NetworkType{webrtc.NetworkTypeUDP4})
	se.SetICEMulticastDNSMode(ice.MulticastDNSModeDisabled)
	return se
}

// API returns a webrtc.API with the default codecs and interceptors (NACK,
// RTCP reports, PLI) and the loopback SettingEngine. It returns an error if
// the codecs or interceptors cannot be registered.
func API() (*webrtc.API, error) {
	m := &webrtc.MediaEngine{}
	if err := m.RegisterDefaultCodecs(); err != nil {
		return nil, err
	}
	return APIWith(m)
}

// APIWith is API with the caller's MediaEngine (for example one that offers
// only H.264). It returns an error if the interceptors cannot be registered.
func APIWith(m *webrtc.MediaEngine) (*webrtc.API, error) {
	ir := &interceptor.Registry{}
	if err := webrtc.RegisterDefaultInterceptors(m, ir); err != nil {
		return nil, err
	}
	return webrtc.NewAPI(
		webrtc.WithMediaEngine(m),
		webrtc.WithSettingEngine(SettingEngine()),
		webrtc.WithInterceptorRegistry(ir),
	), nil
}

// Configuration is the PeerConnection configuration for loopback: no ICE
// servers at all.
func Configuration() webrtc.Configuration {
	return webrtc.Configuration{ICEServers: nil}
}
