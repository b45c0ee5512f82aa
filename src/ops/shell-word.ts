// One word for a POSIX shell command line shown to the user (fix hints, manual
// service commands, cron lines): as it is when it is plainly safe, else in single quotes.
export const shellWord = (value: string): string => (/^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replaceAll("'", `'\\''`)}'`);
