-- Nothing to undo: which of these logins were on before cannot be known.
SELECT 1;
