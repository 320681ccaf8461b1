/*
 * fake_docker.h - a stand-in Docker daemon for unit tests of the client's
 * transport: a thread that listens on a unix socket in a fresh temporary
 * folder and answers every request with the canned HTTP response the test
 * set last (then closes the connection), or never answers when told to hang.
 * It records the last request so tests can check what the client sent.
 * Test code: aborts on setup failures.
 */
#ifndef K8C_TEST_FAKE_DOCKER_H
#define K8C_TEST_FAKE_DOCKER_H

#include <pthread.h>

#include "base/strbuf.h"

struct fake_docker {
	char *dir;
	char *socket_path;
	int listen_fd;
	pthread_t thread;
	pthread_mutex_t lock;
	struct strbuf response; /* raw bytes to answer with */
	bool hang;		/* read the request, answer nothing until the client leaves */
	struct strbuf request;	/* the last request: request line, headers and body */
	int requests;
};

/* Starts the server; fd->socket_path is where it listens. */
void fake_docker_start(struct fake_docker *fd);
/* Stops the thread, removes the socket and folder, frees everything. */
void fake_docker_stop(struct fake_docker *fd);
/* Answers later requests with HTTP status, Content-Type JSON and body. */
void fake_docker_respond(struct fake_docker *fd, int status, const char *body);
/* Answers later requests with exactly these bytes (status line, headers, body). */
void fake_docker_respond_raw(struct fake_docker *fd, const void *data, size_t len);
/* Makes later requests hang (true) or be answered again (false). */
void fake_docker_hang(struct fake_docker *fd, bool hang);
/* A copy of the last request (caller frees). */
char *fake_docker_last_request(struct fake_docker *fd);

#endif
