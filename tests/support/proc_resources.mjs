// What a running daemon holds, read from /proc (issue 5 §3: failed and ended calls leak no ports,
// threads or memory): its threads, and the UDP sockets it owns (matched by socket inode, so other
// processes' sockets in the same network namespace do not count) with their local ports.
import fs from 'node:fs';

// Names of the process's threads (comm), sorted, for a readable diff when counts differ.
export function threadNames(pid) {
  return fs.readdirSync(`/proc/${pid}/task`)
    .map((t) => { try { return fs.readFileSync(`/proc/${pid}/task/${t}/comm`, 'utf8').trim(); } catch { return '?'; } })
    .sort();
}

function socketInodes(pid) {
  const inodes = new Set();
  for (const fd of fs.readdirSync(`/proc/${pid}/fd`)) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(fs.readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (m) inodes.add(m[1]);
    } catch { /* closed meanwhile */ }
  }
  return inodes;
}

// Local ports of the UDP sockets (IPv4 and IPv6) the process has open, sorted.
export function udpPorts(pid) {
  const mine = socketInodes(pid);
  const ports = [];
  for (const table of [`/proc/${pid}/net/udp`, `/proc/${pid}/net/udp6`]) {
    let text = '';
    try { text = fs.readFileSync(table, 'utf8'); } catch { continue; }
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols.length < 10) continue;
      if (mine.has(cols[9])) ports.push(parseInt(cols[1].split(':')[1], 16));
    }
  }
  return ports.sort((a, b) => a - b);
}

// Sanitizer reports a process printed (ASan, LSan, UBSan), or [] when it printed none.
export function sanitizerReports(stderr) {
  return stderr.split('\n').filter((l) => /ERROR: (Address|Leak)Sanitizer|LeakSanitizer has encountered|runtime error:|SUMMARY: \w+Sanitizer/.test(l));
}
