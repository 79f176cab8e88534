package vod

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"

	"github.com/roomrec/roomrec/internal/tc3"
)

// maxAnswer is the most of an API answer read; VOD's are a few hundred
// bytes.
const maxAnswer = 1 << 20

// applyRequest is the body of ApplyUpload (VOD API 2018-07-17); empty
// fields are left out.
type applyRequest struct {
	MediaType      string `json:"MediaType"`
	MediaName      string `json:"MediaName,omitempty"`
	Procedure      string `json:"Procedure,omitempty"`
	ExpireTime     string `json:"ExpireTime,omitempty"`
	StorageRegion  string `json:"StorageRegion,omitempty"`
	ClassID        uint64 `json:"ClassId,omitempty"`
	SourceContext  string `json:"SourceContext,omitempty"`
	SessionContext string `json:"SessionContext,omitempty"`
	SubAppID       uint64 `json:"SubAppId,omitempty"`
}

// applyResponse is what ApplyUpload answers.
type applyResponse struct {
	StorageBucket    string
	StorageRegion    string
	VodSessionKey    string
	MediaStoragePath string
	TempCertificate  *struct {
		SecretID    string `json:"SecretId"`
		SecretKey   string
		Token       string
		ExpiredTime int64
	}
}

// commitRequest is the body of CommitUpload.
type commitRequest struct {
	VodSessionKey string `json:"VodSessionKey"`
	SubAppID      uint64 `json:"SubAppId,omitempty"`
}

// commitResponse is what CommitUpload answers.
type commitResponse struct {
	FileID   string `json:"FileId"`
	MediaURL string `json:"MediaUrl"`
}

// call sends one API action with params as its JSON body, signed with
// TC3-HMAC-SHA256, and decodes the "Response" object of the answer into
// out. It returns the RequestId, or an *Error: VOD's error answer, or
// CodeNetworkError, CodeRequestTimeout, CodeCanceled or CodeBadResponse.
func (c *Client) call(ctx context.Context, action string, params, out any) (string, error) {
	body, err := json.Marshal(params)
	if err != nil { // the request types always marshal
		return "", &Error{Op: action, Code: CodeBadResponse, Message: "cannot encode the request", Err: err}
	}
	rctx, cancel := context.WithTimeout(ctx, c.cfg.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(rctx, http.MethodPost, c.endpoint, bytes.NewReader(body))
	if err != nil { // the endpoint was validated
		return "", &Error{Op: action, Code: CodeBadResponse, Message: "cannot build the request", Err: err}
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-TC-Action", action)
	req.Header.Set("X-TC-Version", APIVersion)
	req.Header.Set("X-TC-Region", c.cfg.Region)
	tc3.Sign(req, body, Service, c.cfg.SecretID, c.cfg.SecretKey, c.cfg.Clock.Now())
	resp, err := c.cfg.HTTPClient.Do(req)
	if err != nil {
		return "", noAnswer(ctx, rctx, action, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswer))
	if err != nil {
		return "", noAnswer(ctx, rctx, action, err)
	}
	return decodeAnswer(action, resp.StatusCode, raw, out)
}

// noAnswer classifies a call that got no (complete) answer.
func noAnswer(ctx, rctx context.Context, op string, err error) *Error {
	switch {
	case ctx.Err() != nil:
		return canceled(op, ctx.Err())
	case errors.Is(rctx.Err(), context.DeadlineExceeded):
		return &Error{Op: op, Code: CodeRequestTimeout, Message: "VOD did not answer in time (Config.Timeout)", Retryable: true, Err: err}
	}
	return &Error{Op: op, Code: CodeNetworkError, Message: "no answer from VOD", Retryable: true, Err: err}
}

// canceled is the error of a step stopped by the caller's context.
func canceled(op string, err error) *Error {
	return &Error{Op: op, Code: CodeCanceled, Message: "the context ended", Retryable: errors.Is(err, context.DeadlineExceeded), Err: err}
}

// decodeAnswer reads {"Response": {..., "RequestId": ...}} or
// {"Response": {"Error": {"Code", "Message"}, "RequestId": ...}}.
func decodeAnswer(op string, status int, raw []byte, out any) (string, error) {
	var env struct {
		Response json.RawMessage
	}
	var head struct {
		RequestID string `json:"RequestId"`
		Error     *struct{ Code, Message string }
	}
	if json.Unmarshal(raw, &env) == nil && len(env.Response) > 0 && json.Unmarshal(env.Response, &head) == nil {
		if head.Error != nil && head.Error.Code != "" {
			return head.RequestID, serviceError(op, head.Error.Code, head.Error.Message, head.RequestID)
		}
		if status == http.StatusOK {
			if err := json.Unmarshal(env.Response, out); err != nil {
				return head.RequestID, &Error{Op: op, Code: CodeBadResponse, Message: "the answer's fields have the wrong types", RequestID: head.RequestID, Err: err}
			}
			return head.RequestID, nil
		}
	}
	msg := fmt.Sprintf("HTTP %d %s with no service error", status, http.StatusText(status))
	if status == http.StatusOK {
		msg = "the answer is not a JSON {\"Response\": {...}} object"
	}
	return "", &Error{Op: op, Code: CodeBadResponse, Message: msg + ": " + strconv.Quote(snippet(raw)),
		Retryable: status >= 500 || status == http.StatusTooManyRequests}
}

// snippet returns the start of a body for an error message.
func snippet(b []byte) string {
	const n = 200
	if len(b) > n {
		return string(b[:n]) + "…"
	}
	return string(b)
}
