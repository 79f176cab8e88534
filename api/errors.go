package api

import "github.com/roomrec/roomrec/errcode"

// The service codes this package answers with besides those the recorder
// returns (which are passed through unchanged). Tencent Cloud API 3.0
// defines the common ones for every product; the TRTC-specific ones are those
// of the trtc 2019-07-22 API. Match them with errors.Is.
const (
	// CodeMissingParameter is the class of a required parameter left out
	// (MissingParameter.SdkAppId, MissingParameter.TaskId, ...).
	CodeMissingParameter errcode.Code = "MissingParameter"
	// CodeUnknownParameter: the body has a field the action does not define.
	CodeUnknownParameter errcode.Code = "UnknownParameter"
	// CodeInvalidAction: X-TC-Action is missing or not one of the four actions.
	CodeInvalidAction errcode.Code = "InvalidAction"
	// CodeNoSuchVersion: X-TC-Version is missing or not 2019-07-22.
	CodeNoSuchVersion errcode.Code = "NoSuchVersion"
	// CodeUnsupportedProtocol: not a POST with an application/json body.
	CodeUnsupportedProtocol errcode.Code = "UnsupportedProtocol"
	// CodeRequestSizeLimitExceeded: the body is larger than 10 MiB, the
	// service's limit for TC3-signed POST requests.
	CodeRequestSizeLimitExceeded errcode.Code = "RequestSizeLimitExceeded"
	// CodeInvalidAuthorization: the Authorization header is not a
	// well-formed TC3-HMAC-SHA256 authorization.
	CodeInvalidAuthorization errcode.Code = "AuthFailure.InvalidAuthorization"
	// CodeSignatureFailure: the signature is missing or does not match.
	CodeSignatureFailure errcode.Code = "AuthFailure.SignatureFailure"
	// CodeSignatureExpire: X-TC-Timestamp is more than 5 minutes away from
	// the server's clock.
	CodeSignatureExpire errcode.Code = "AuthFailure.SignatureExpire"
	// CodeSecretIDNotFound: the SecretId of the Credential is not configured.
	CodeSecretIDNotFound errcode.Code = "AuthFailure.SecretIdNotFound"
	// CodeSdkAppID: the SdkAppId is not one this handler serves.
	CodeSdkAppID errcode.Code = "InvalidParameter.SdkAppId"
	// CodeTimeout: the recorder did not answer within Config.Timeout
	// (TRTC's "backend access timed out"). It is an InternalError, so
	// callers retry it with back-off as SPEC §8 says.
	CodeTimeout errcode.Code = "InternalError.BackendTimeOut"
)
