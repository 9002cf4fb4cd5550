# wide_push.py - a bundle with one device action pushed to N clients (the
# timeline's density rows, its bench): SCP01's CMGatewayNotificationWorker
# .log forwards it, MP01's BgbServer.log pushes it to N clients, each
# CLIENTnnn's CcmNotificationAgent.log receives and answers it. Of the N:
# about 2% never receive it, about 1% answer ReturnCode 0, one in ten
# receive it late. Times in UTC (bias +0), keep-alives around the push so
# every client log covers it. Same N, same bytes.
# Usage: wide_push.py DIR N
import os, random, sys

out, n = sys.argv[1], int(sys.argv[2])
rnd = random.Random(n)
GUID = "5E1D0A77-0B1C-4D2E-8F30-0000000000%02X" % (n % 256)
PUSH, TASK = 7, 7
DAY = "09-25-2026"

def ms(t):	# t in ms since midnight -> HH:MM:SS.mmm
	return "%02d:%02d:%02d.%03d" % (t // 3600000, t // 60000 % 60, t // 1000 % 60, t % 1000)

def ccm(text, t, comp, thread, src=""):
	return ('<![LOG[%s]LOG]!><time="%s+000" date="%s" component="%s" context="" '
		'type="1" thread="%d" file="%s">\n' % (text, ms(t), DAY, comp, thread, src))

def sms(text, t, thread):
	return "%s~~  $$<SMS_NOTIFICATION_SERVER><%s %s+000><thread=%d (0x%X)>\n" % (
		text, DAY, ms(t), thread, thread)

def write(path, lines):
	os.makedirs(os.path.dirname(path), exist_ok=True)
	with open(path, "w", newline="\r\n") as f:
		f.writelines(lines)

t0 = 14 * 3600000 + 2 * 60000 + 10118	# 14:02:10.118
scp = "SMS_SERVICE_CONNECTOR_CMGatewayNotificationWorker"
write(os.path.join(out, "SCP01/Logs/CMGatewayNotificationWorker.log"), [
	ccm("No new notification.", t0 - 600000, scp, 20),
	ccm("Received new notification. Validating basic notification details...", t0, scp, 70),
	ccm("Validating device action message content...", t0 + 6, scp, 70),
	ccm("Authorized to perform client action. TemplateID: RequestMachinePolicy TenantId: "
	    "8596845e-7ea8-4ca1-8c71-f30e500f0b72 AADUserID: 42e07d0b-fb9d-4cf6-9491-fe584590e114",
	    t0 + 91, scp, 70),
	ccm("Forwarded BGB remote task. TemplateID: 1 TaskGuid: %s TaskParam: TargetDeviceIDs: %d"
	    % (GUID.lower(), n), t0 + 250, scp, 70),
	ccm("No new notification.", t0 + 600000, scp, 20),
])
push = t0 + 1700
received = 0
failed = 0
for c in range(1, n + 1):
	host = "CLIENT%03d" % c
	lines = [ccm("Successfully sent keep-alive message to MP01.contoso.com.", t0 - 300000 - c,
		     "BgbAgent", 1356, "bgbconnector.cpp:1172")]
	if c % 50 != 7:	# about 2% never receive it
		late = c % 10 == 3
		rt = push + 30 + rnd.randrange(0, 60) + (rnd.randrange(200, 3900) if late else c // 40)
		rc = 0 if c % 100 == 42 else 1
		received += 1
		failed += rc == 0
		lines.append(ccm("Receive task from server with pushid=%d, taskid=%d, taskguid=%s, "
				 "tasktype=1 and taskParam=" % (PUSH, TASK, GUID), rt, "BgbAgent",
				 1356, "bgbconnector.cpp:386"))
		at = rt + 1000 + rnd.randrange(0, 2000)
		lines.append(ccm('Send Task response message <BgbResponseMessage TimeStamp="2026-09-25T14:02:'
				 '%02dZ"><PushID>%d</PushID><TaskID>%d</TaskID><ReturnCode>%d</ReturnCode>'
				 '</BgbResponseMessage> successfully.' % (at // 1000 % 60, PUSH, TASK, rc),
				 at, "BgbAgent", 1360, "bgbconnector.cpp:1081"))
	lines.append(ccm("Receive keep-alive reply from server MP01.contoso.com", t0 + 300000 + c,
			 "BgbAgent", 1356, "bgbconnector.cpp:1180"))
	write(os.path.join(out, host, "Windows/CCM/Logs/CcmNotificationAgent.log"), lines)
write(os.path.join(out, "MP01/SMS_CCM/Logs/BgbServer.log"), [
	sms("Receiving message from queue timeout.", t0 - 600000, 8492),
	sms("Get one push message from database.", push - 20, 7896),
	sms("Starting to send push task (PushID: %d TaskID: %d TaskGUID: %s TaskType: 1 TaskParam: ) "
	    "to %d clients with throttling (strategy: 1 param: 42)" % (PUSH, TASK, GUID, n), push, 7896),
	sms("Finished sending push task (PushID: %d TaskID: %d) to %d clients" % (PUSH, TASK, n),
	    push + 21, 7896),
	sms("Generated BGB task status report C:\\Program Files\\Microsoft Configuration Manager\\"
	    "inboxes\\bgb.box\\Bgb00007.BTS at 09/25/2026 14:02:40. (PushID: %d ReportedClients: %d "
	    "FailedClients: %d)" % (PUSH, received, failed + n - received), push + 29300, 4008),
	sms("Receiving message from queue timeout.", t0 + 600000, 8492),
])
