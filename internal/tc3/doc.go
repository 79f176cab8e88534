// Package tc3 is the TC3-HMAC-SHA256 request signature (signature method
// v3 of Tencent Cloud API 3.0), shared by the service API's verifier
// (package api, SPEC §1) and the VOD upload client's signer (package vod,
// SPEC §5), so that both build the canonical request, the string to sign
// and the derived key the same way.
//
// The steps, as the documentation of signature method v3 gives them:
//
//	CanonicalRequest = Method \n "/" \n "" \n
//	                   name:lower(trim(value)) \n ... \n   (the signed headers, sorted)
//	                   \n SignedHeaders \n hex(SHA256(payload))
//	StringToSign     = "TC3-HMAC-SHA256" \n Timestamp \n Date/service/tc3_request \n hex(SHA256(CanonicalRequest))
//	SecretSigning    = HMAC(HMAC(HMAC("TC3"+SecretKey, Date), service), "tc3_request")
//	Signature        = hex(HMAC(SecretSigning, StringToSign))
//	Authorization    = TC3-HMAC-SHA256 Credential=SecretId/Date/service/tc3_request,
//	                   SignedHeaders=content-type;host[;...], Signature=...
//
// Date is the UTC date of X-TC-Timestamp. Only POST with an empty query
// string is covered, which is what both users send and accept.
package tc3
