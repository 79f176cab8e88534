// Package errcode defines the one error type of roomrec and the service's
// error codes (SPEC §1): "Class.Detail" strings such as
// "InvalidParameter.UserId", "InternalError.Storage" or
// "FailedOperation.RestrictedConcurrency".
//
// Every package of the module that rejects a caller's input or reports a
// server-side fault returns an *Error, so callers classify failures with
// errors.Is (against a Code) or errors.As (against *Error):
//
//	if errors.Is(err, errcode.InvalidParameter) { /* the caller's fault */ }
//	if errors.Is(err, errcode.Code("InvalidParameter.UserId")) { ... }
//
// The package has no dependencies beyond the standard library and holds no
// state.
package errcode
