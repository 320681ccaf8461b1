/*
 * typed.c - a request decoded into a typed object; see typed.h.
 */
#include "client/typed.h"

#include "api/codec.h"

int k8c_typed_do(struct k8c_client *c, const struct k8c_request *req, const struct k8c_type *t,
		 void *ret_obj, struct k8c_status_error *err)
{
	struct k8c_response resp = K8C_RESPONSE_INIT;
	int r = k8c_client_do(c, req, &resp, err);
	if (r == 0 && ret_obj) {
		struct field_errors errs = FIELD_ERRORS_INIT;
		if (k8c_decode_text(t, resp.body.buf, resp.body.len, ret_obj, 0, &errs) < 0) {
			k8c_release(t, ret_obj);
			if (err)
				k8c_status_error_set_transport(err, "the server's answer is not a "
								    "valid object");
			r = -EPROTO;
		}
		field_errors_release(&errs);
	}
	k8c_response_release(&resp);
	return r;
}
