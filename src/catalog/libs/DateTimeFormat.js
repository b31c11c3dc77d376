// DateTimeFormat (spec/bjs.md §6.2): Steven Levithan's date masks, as the store's library.
// Lower-case `mm` is the month, upper-case `MM` the minutes; `'quoted'` text is kept; a mask
// starting with `UTC:` formats in UTC. An invalid date throws.

const token = /d{1,4}|m{1,4}|yy(?:yy)?|([HhMsTt])\1?|[LloSZ]|"[^"]*"|'[^']*'/g;
const timezone = /\b(?:[PMCEA][SDP]T|(?:Pacific|Mountain|Central|Eastern|Atlantic) (?:Standard|Daylight|Prevailing) Time|(?:GMT|UTC)(?:[-+]\d{4})?)\b/g;
const timezoneClip = /[^-+\dA-Z]/g;

const masks = {
  default: "ddd mmm dd yyyy HH:MM:ss",
  shortDate: "m/d/yy",
  mediumDate: "mmm d, yyyy",
  longDate: "mmmm d, yyyy",
  fullDate: "dddd, mmmm d, yyyy",
  shortTime: "h:MM TT",
  mediumTime: "h:MM:ss TT",
  longTime: "h:MM:ss TT Z",
  isoDate: "yyyy-mm-dd",
  isoTime: "HH:MM:ss",
  isoDateTime: "yyyy-mm-dd'T'HH:MM:ss",
  isoUtcDateTime: "UTC:yyyy-mm-dd'T'HH:MM:ss'Z'",
};

const dayNames = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
const monthNames = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec", "January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

function pad(value, length) {
  let text = String(value);
  while (text.length < (length || 2)) text = "0" + text;
  return text;
}

function format(date, mask, utc) {
  date = date === undefined || date === null ? new Date() : new Date(date);
  if (isNaN(date.getTime())) throw new SyntaxError("DateTimeFormat: invalid date");
  mask = String(masks[mask] || mask || masks.default);
  if (mask.slice(0, 4) === "UTC:") {
    mask = mask.slice(4);
    utc = true;
  }
  const get = (part) => date[(utc ? "getUTC" : "get") + part]();
  const d = get("Date"), D = get("Day"), m = get("Month"), y = get("FullYear");
  const H = get("Hours"), M = get("Minutes"), s = get("Seconds"), L = get("Milliseconds");
  const o = utc ? 0 : date.getTimezoneOffset();
  const flags = {
    d: d, dd: pad(d), ddd: dayNames[D], dddd: dayNames[D + 7],
    m: m + 1, mm: pad(m + 1), mmm: monthNames[m], mmmm: monthNames[m + 12],
    yy: String(y).slice(2), yyyy: y,
    h: H % 12 || 12, hh: pad(H % 12 || 12), H: H, HH: pad(H),
    M: M, MM: pad(M), s: s, ss: pad(s),
    l: pad(L, 3), L: pad(L > 99 ? Math.round(L / 10) : L),
    t: H < 12 ? "a" : "p", tt: H < 12 ? "am" : "pm", T: H < 12 ? "A" : "P", TT: H < 12 ? "AM" : "PM",
    Z: utc ? "UTC" : (String(date).match(timezone) || [""]).pop().replace(timezoneClip, ""),
    o: (o > 0 ? "-" : "+") + pad(Math.floor(Math.abs(o) / 60) * 100 + (Math.abs(o) % 60), 4),
    S: ["th", "st", "nd", "rd"][d % 10 > 3 ? 0 : (((d % 100) - (d % 10) !== 10) * d) % 10],
  };
  return mask.replace(token, (match) => (match in flags ? flags[match] : match.slice(1, match.length - 1)));
}

publish({ format: format, masks: masks });
