module github.com/flaskbridge/flaskbridge

go 1.26
