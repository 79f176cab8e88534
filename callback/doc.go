// Package callback implements the status callbacks of SPEC §6
// ("Callbacks"): the event types 301–312 and their payloads, the JSON body
// the service sends (EventGroupId 3, EventType, CallbackTs, EventInfo), the
// Notifier interface the recorder reports through, an HTTP notifier that
// signs, queues, retries and keeps each task's events in order, and, for
// receivers, Verify and Handler.
//
// Wire format (one POST per event, UTF-8 JSON, headers Content-Type:
// application/json, Sign, SdkAppId):
//
//	{"EventGroupId":3,"EventType":307,"CallbackTs":1622186289148,
//	 "EventInfo":{"RoomId":"xx","EventTs":1622186289,"UserId":"xx","TaskId":"xx",
//	  "Payload":{"FileName":"xx.m3u8","UserId":"xx","TrackType":"audio","BeginTimeStamp":1622186279144}}}
//
// RoomId is a JSON number for a numeric room and a string for a string
// room; EventTs is Unix seconds (a number; Unmarshal also accepts the
// quoted form some of the service's examples show); CallbackTs is Unix
// milliseconds of the first delivery attempt.
//
// Sign is base64(HMAC-SHA256(callback key, raw body)) [decided: the service
// does not document its algorithm]. Delivery is at-least-once: a receiver
// may see an event twice (a 200 lost on the way back), always with the same
// body, so the same Sign and the same X-Roomrec-Delivery-Id header
// (DeliveryID: a hash of the body, which carries the CallbackTs of the
// first attempt and so never changes on retries). Receivers deduplicate on
// it.
package callback
