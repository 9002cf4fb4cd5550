/* gen_bench.c - generates the benchmark inputs: N client-notification
 * flavoured records in CCM format (three biases, CRLF, an occasional
 * multi-line record) or in the site-server SMS format. As in real logs,
 * most lines are keep-alive and queue noise; one in DEVICE_ACTION_EVERY is
 * a task line that becomes a trace event. Deterministic. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static unsigned long long rng_state = 0x9E3779B97F4A7C15ull;

static unsigned next_rand(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (unsigned)(rng_state >> 11);
}

#define DEVICE_ACTION_EVERY 500

static const char *const messages[] = {
	"Receive task from server with pushid=%u, taskid=%u, taskguid=A43DD1B3-A006-4604-B012-%012u, tasktype=1 and taskParam=",
	"Send Task response message <BgbResponseMessage TimeStamp=\"2026-09-25T19:35:06Z\"><PushID>%u</PushID><TaskID>%u</TaskID><ReturnCode>1</ReturnCode></BgbResponseMessage> successfully. %u",
	"BgbController is running with online state %u, keep-alive %u seconds, tcp port %u",
	"Successfully sent keep-alive message to the notification server, next in %u/%u seconds (%u)",
	"Starting to send push task (PushID: %u TaskID: %u TaskGUID: A43DD1B3-A006-4604-B012-%012u TaskType: 1 TaskParam: ) to 1 clients with throttling (strategy: 1 param: 42)",
	"Receiving message from queue timeout. Waited %u ms for the notification queue of site PS1, %u pending, %u delivered since start-up",
};

static void ccm_record(FILE *f, unsigned i)
{
	static const int biases[] = { 240, -60, 480 };
	unsigned sec = i / 8, ms = (i * 125) % 1000;
	int bias = biases[i % 3];
	fputs("<![LOG[", f);
	unsigned r = next_rand();
	/* a task line (receipt or response) now and then, else noise */
	fprintf(f, messages[r % DEVICE_ACTION_EVERY == 0 ? r / DEVICE_ACTION_EVERY % 2
							: 2 + r / DEVICE_ACTION_EVERY % 2],
		i, i + 1, i * 7);
	if (i % 1000 == 999)
		fputs("\r\n  continuation line of a multi-line record", f);
	fprintf(f, "]LOG]!><time=\"%02u:%02u:%02u.%03u%+d\" date=\"09-%02u-2026\" "
		   "component=\"BgbAgent\" context=\"\" type=\"%u\" thread=\"%u\" "
		   "file=\"bgbconnector.cpp:%u\">\r\n",
		(sec / 3600) % 24, (sec / 60) % 60, sec % 60, ms, bias,
		1 + (sec / 86400) % 28, 1 + (i % 17 == 0) * 2, 3720 + i % 4,
		100 + i % 900);
}

static void sms_record(FILE *f, unsigned i)
{
	unsigned sec = i / 8, ms = (i * 125) % 1000;
	fprintf(f, messages[next_rand() % DEVICE_ACTION_EVERY == 0 ? 4 : 5], i, i + 1, i * 7);
	fprintf(f, "~~  $$<SMS_NOTIFICATION_SERVER><09-%02u-2026 %02u:%02u:%02u.%03u+240>"
		   "<thread=%u (0x%X)>\r\n",
		1 + (sec / 86400) % 28, (sec / 3600) % 24, (sec / 60) % 60,
		sec % 60, ms, 7896 + i % 3, 7896 + i % 3);
}

int main(int argc, char **argv)
{
	if (argc != 4 || (strcmp(argv[1], "ccm") && strcmp(argv[1], "sms"))) {
		fprintf(stderr, "usage: gen_bench ccm|sms N OUT\n");
		return 2;
	}
	unsigned n = (unsigned)strtoul(argv[2], NULL, 10);
	FILE *f = fopen(argv[3], "wb");
	if (!f) {
		perror(argv[3]);
		return 1;
	}
	static char buf[1 << 20];
	setvbuf(f, buf, _IOFBF, sizeof(buf));
	int ccm = !strcmp(argv[1], "ccm");
	if (ccm)
		fputs("\xEF\xBB\xBF", f);
	for (unsigned i = 0; i < n; i++) {
		if (ccm)
			ccm_record(f, i);
		else
			sms_record(f, i);
	}
	return fclose(f) == 0 ? 0 : 1;
}
