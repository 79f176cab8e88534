package main

import (
	"fmt"
	"net"
	"strconv"
	"strings"

	"github.com/pion/ice/v4"
	"github.com/pion/interceptor"
	"github.com/pion/webrtc/v4"

	"github.com/roomrec/roomrec/internal/loopback"
)

// mediaEngine returns the codecs the server accepts from publishers: Opus
// audio, H.264 (constrained baseline, baseline, main and high profiles,
// packetization mode 1) and VP8 video.
func mediaEngine() (*webrtc.MediaEngine, error) {
	m := &webrtc.MediaEngine{}
	// Keyframe requests (PLI, FIR) and retransmissions (NACK) for video.
	videoFeedback := []webrtc.RTCPFeedback{{Type: "ccm", Parameter: "fir"}, {Type: "nack"}, {Type: "nack", Parameter: "pli"}}
	opus := webrtc.RTPCodecParameters{
		RTPCodecCapability: webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeOpus, ClockRate: 48000, Channels: 2, SDPFmtpLine: "minptime=10;useinbandfec=1"},
		PayloadType:        111,
	}
	if err := m.RegisterCodec(opus, webrtc.RTPCodecTypeAudio); err != nil {
		return nil, err
	}
	video := []webrtc.RTPCodecParameters{{
		RTPCodecCapability: webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeVP8, ClockRate: 90000, RTCPFeedback: videoFeedback},
		PayloadType:        96,
	}}
	for i, profile := range []string{"42e01f", "42001f", "4d001f", "64001f", "640032"} {
		video = append(video, webrtc.RTPCodecParameters{
			RTPCodecCapability: webrtc.RTPCodecCapability{
				MimeType: webrtc.MimeTypeH264, ClockRate: 90000, RTCPFeedback: videoFeedback,
				SDPFmtpLine: "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=" + profile,
			},
			PayloadType: webrtc.PayloadType(102 + i),
		})
	}
	for _, c := range video {
		if err := m.RegisterCodec(c, webrtc.RTPCodecTypeVideo); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// newWebRTCAPI returns the pion API of the WHIP endpoint. By default ICE is
// pinned to the loopback interface (internal/loopback: host candidates on
// "lo", UDP4, no mDNS, no STUN). With -ice-interface it gathers on that
// interface instead, announcing -ice-public-ip when set (1:1 NAT), still
// without mDNS or STUN.
func newWebRTCAPI(o options) (*webrtc.API, error) {
	m, err := mediaEngine()
	if err != nil {
		return nil, err
	}
	se := loopback.SettingEngine()
	if o.iceInterface != "" {
		iface := o.iceInterface
		se.SetInterfaceFilter(func(name string) bool { return name == iface })
		se.SetIPFilter(func(ip net.IP) bool { return ip.To4() != nil })
		se.SetIncludeLoopbackCandidate(iface == "lo")
		se.SetICEMulticastDNSMode(ice.MulticastDNSModeDisabled)
	}
	if o.icePublicIP != "" {
		if ip := net.ParseIP(o.icePublicIP); ip == nil || ip.To4() == nil {
			return nil, fmt.Errorf("-ice-public-ip %q is not an IPv4 address", o.icePublicIP)
		}
		err := se.SetICEAddressRewriteRules(webrtc.ICEAddressRewriteRule{
			External:        []string{o.icePublicIP},
			AsCandidateType: webrtc.ICECandidateTypeHost,
			Mode:            webrtc.ICEAddressRewriteReplace,
		})
		if err != nil {
			return nil, fmt.Errorf("-ice-public-ip: %w", err)
		}
	}
	if o.udpPorts != "" {
		lo, hi, err := parsePortRange(o.udpPorts)
		if err != nil {
			return nil, err
		}
		if err := se.SetEphemeralUDPPortRange(lo, hi); err != nil {
			return nil, fmt.Errorf("-udp-ports: %w", err)
		}
	}
	ir := &interceptor.Registry{}
	if err := webrtc.RegisterDefaultInterceptors(m, ir); err != nil {
		return nil, err
	}
	return webrtc.NewAPI(webrtc.WithMediaEngine(m), webrtc.WithSettingEngine(se), webrtc.WithInterceptorRegistry(ir)), nil
}

// parsePortRange reads "min-max" (1 <= min <= max <= 65535).
func parsePortRange(s string) (uint16, uint16, error) {
	a, b, ok := strings.Cut(s, "-")
	lo, err1 := strconv.ParseUint(a, 10, 16)
	hi, err2 := strconv.ParseUint(b, 10, 16)
	if !ok || err1 != nil || err2 != nil || lo == 0 || lo > hi {
		return 0, 0, fmt.Errorf("-udp-ports %q: want min-max, for example 50000-50100", s)
	}
	return uint16(lo), uint16(hi), nil
}
