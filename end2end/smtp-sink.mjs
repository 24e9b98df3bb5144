// A local SMTP sink for the end-to-end tests: accepts every message the server sends
// (`--smtp-relay`) and writes each to its own file in MAILBOX, so a test can read the
// password-reset link it was sent. Loopback only; speaks just what Pipewright's mailer
// says (EHLO, MAIL, RCPT, DATA, QUIT).
import { createServer } from "node:net";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const [port, mailbox] = [Number(process.argv[2]), process.argv[3]];
mkdirSync(mailbox, { recursive: true });
let received = 0;

createServer((socket) => {
  let buffer = "";
  let inData = false;
  let message = [];
  const reply = (line) => socket.write(`${line}\r\n`);
  reply("220 sink ready");
  socket.on("data", (chunk) => {
    buffer += chunk.toString("utf8");
    let end;
    while ((end = buffer.indexOf("\r\n")) >= 0) {
      const line = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      if (inData) {
        if (line === ".") {
          inData = false;
          received += 1;
          writeFileSync(join(mailbox, `${Date.now()}-${received}.eml`), message.join("\n"));
          message = [];
          reply("250 kept");
        } else {
          message.push(line.startsWith("..") ? line.slice(1) : line);
        }
      } else if (/^DATA/i.test(line)) {
        inData = true;
        reply("354 go on");
      } else if (/^QUIT/i.test(line)) {
        reply("221 bye");
        socket.end();
      } else {
        reply("250 ok");
      }
    }
  });
  socket.on("error", () => {});
}).listen(port, "127.0.0.1");
