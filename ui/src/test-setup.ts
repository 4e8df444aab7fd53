// Tests format times in a fixed zone and locale so expectations are stable.
process.env.TZ = 'UTC';
