package recorder

import (
	"strings"

	"github.com/roomrec/roomrec/errcode"
	"github.com/roomrec/roomrec/naming"
)

// Subscription holds the service's SubscribeStreamUserIds: four lists of
// user-id patterns. A pattern is a user id, "*" (everyone), or a prefix
// ending in "*" ("abc*" matches every user id that starts with "abc").
//
// For each kind (audio, video): an empty allow list allows everyone; a
// non-empty one allows only the users it matches; a deny list removes the
// users it matches, and deny wins over allow. Modify replaces all four lists
// at once (a full overwrite, not a patch).
type Subscription struct {
	SubscribeAudio   []string
	UnsubscribeAudio []string
	SubscribeVideo   []string
	UnsubscribeVideo []string
}

// Allows reports whether the user's streams of kind k are subscribed.
func (s Subscription) Allows(userID string, k naming.TrackType) bool {
	allow, deny := s.SubscribeAudio, s.UnsubscribeAudio
	if k == naming.TrackVideo {
		allow, deny = s.SubscribeVideo, s.UnsubscribeVideo
	}
	if matchAny(deny, userID) {
		return false
	}
	return len(allow) == 0 || matchAny(allow, userID)
}

func matchAny(patterns []string, userID string) bool {
	for _, p := range patterns {
		if p == "*" || p == userID {
			return true
		}
		if prefix, ok := strings.CutSuffix(p, "*"); ok && strings.HasPrefix(userID, prefix) {
			return true
		}
	}
	return false
}

// Validate checks every pattern and returns an
// InvalidParameter.SubscribeStreamUserIds error naming the first bad one.
func (s Subscription) Validate() error {
	lists := []struct {
		name string
		l    []string
	}{
		{"SubscribeAudioUserIds", s.SubscribeAudio},
		{"UnSubscribeAudioUserIds", s.UnsubscribeAudio},
		{"SubscribeVideoUserIds", s.SubscribeVideo},
		{"UnSubscribeVideoUserIds", s.UnsubscribeVideo},
	}
	code := errcode.InvalidParameter.Detail("SubscribeStreamUserIds")
	for _, list := range lists {
		if len(list.l) > maxPatterns {
			return errcode.New(code, "%s has %d entries; at most %d are allowed", list.name, len(list.l), maxPatterns)
		}
		for _, p := range list.l {
			if p == "*" {
				continue
			}
			id := strings.TrimSuffix(p, "*")
			if err := naming.ValidateUserID(id); err != nil {
				return errcode.Wrap(code, err, "%s: bad pattern %q (a user id, \"*\" or a prefix ending in \"*\")", list.name, p)
			}
		}
	}
	return nil
}
