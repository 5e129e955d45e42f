import "contact-me/host";
